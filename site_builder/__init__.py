"""site_builder: raw news wire copy and feeds in, a regional news website with feeds out."""

__version__ = "0.1.0"
