"""Report a problem (issue #16): fly-tipping, graffiti, dog fouling, abandoned
vehicles and street lighting, from the website's form and the bot, as a case in
the back office's Cases port (the demo CRM, or the council's Open311 system)."""
