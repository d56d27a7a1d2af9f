# The apex is listed, in the same entry or another one (allow or deny), or a
# wider pattern covers it; a section with a value known only at run time
# (a feed) claims nothing.
%%POLICY
runtime "app" {
  dns {
    allow "google.com", "*.google.com"
    allow "*.stripe.com"
    deny "stripe.com" effect alert
    allow "*.api.example.com", "*.example.com"
    deny "example.com"
  }
}
runtime "everything" {
  dns {
    deny "*.internal.example" effect alert
    allow "*"
  }
}
list blocked = feed("blocked.txt")
runtime "from a feed" {
  dns {
    allow "*.partner.example"
    deny blocked
  }
}
%%FILE feeds/blocked.txt
tracker.example
%%EXPECT
