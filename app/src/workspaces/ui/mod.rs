//! UI of M02 and M03.
