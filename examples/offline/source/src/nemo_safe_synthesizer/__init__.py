# TEST SCAFFOLDING: stand-in package of the offline source tree.
__version__ = "0.0.0"
