"""certifolio: runs a French professional certification from end to end."""
