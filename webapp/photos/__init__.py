"""Field photos: verify, clean, scale and watermark what phones send; store it under its content hash."""
from webapp.photos.processing import ERROR_CODES, PhotoError, PhotoLimits, ProcessedPhoto, process
from webapp.photos.storage import PhotoStore

__all__ = ["ERROR_CODES", "PhotoError", "PhotoLimits", "PhotoStore", "ProcessedPhoto", "process"]
