"""Server-rendered pages: the facility portal (and later the VNeID and Sở Y tế views)."""
