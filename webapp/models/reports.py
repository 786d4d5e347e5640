"""Service reports generated for a site and a period: queued, built in the background, reviewed, released to the client."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.org import Person, Site


class GeneratedReport(Base):
    """One report file set (PDF + XLSX) for a site and a period; the client sees it only once released."""

    __tablename__ = "generated_report"
    __table_args__ = (UniqueConstraint("site_id", "kind", "period_start", "period_end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # weekly_inspection / monthly_summary / meeting_pack / custom
    period_start: Mapped[date] = mapped_column(Date)  # local dates of the site, end exclusive
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="queued", index=True)  # queued / running / ready / failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, while running
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # None: the schedule
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))  # files kept under the instance folder by hash
    xlsx_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    site: Mapped[Site] = relationship()
    requested_by: Mapped[Person | None] = relationship(foreign_keys=[requested_by_id])
    released_by: Mapped[Person | None] = relationship(foreign_keys=[released_by_id])

    @property
    def period_last(self) -> date:
        """The period's last local day (period_end is the day after it)."""
        return self.period_end - timedelta(days=1)
