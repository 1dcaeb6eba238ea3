"""maliradio: live radio and TV of Mali, Burkina Faso and Niger, with the region's news."""

__version__ = "0.1.0"
APP_NAME = "maliradio"
