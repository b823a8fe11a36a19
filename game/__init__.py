"""mlday: a simulation game of a machine-learning engineer's working day."""

__version__ = "0.4.0"
ENGINE_VERSION = __version__
