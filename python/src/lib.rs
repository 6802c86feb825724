//! Python bindings of paysig (filled in by the Python work).
