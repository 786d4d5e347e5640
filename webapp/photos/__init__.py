"""Field photos: verify, clean, scale and watermark what phones send; store it in the object store under its content hash."""
from webapp.photos.processing import (
    ERROR_CODES,
    OpenedPhoto,
    PhotoError,
    PhotoLimits,
    ProcessedPhoto,
    finish,
    open_photo,
    process,
)
from webapp.photos.storage import PhotoStore, photo_store

__all__ = ["ERROR_CODES", "OpenedPhoto", "PhotoError", "PhotoLimits", "PhotoStore", "ProcessedPhoto", "finish", "open_photo",
           "photo_store", "process"]
