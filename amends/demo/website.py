"""Demo data for the public website: the consultancy's brand and contact details, and a
routing table sending requests to the demo services."""

from __future__ import annotations

from amends.core.models import Organisation, Sector
from amends.website.models import RoutingRule
from amends.website.services import site_settings, starting_pages_seed


def load_demo_website(organisations: dict[str, Organisation]) -> None:
    starting_pages_seed()
    site = site_settings()
    site.site_name = organisations["consultancy"].name
    site.strapline = "Training in restorative practice for justice, schools, housing and prisons"
    site.address = "4 Station Parade\nHarrogate\nHG1 2RQ"
    site.phone = "0113 496 0000"
    site.email = "enquiries@consultancy.amends-demo.example"
    site.enquiries_email = "training@consultancy.amends-demo.example"
    site.opening_hours = "Monday to Friday, 9am to 5pm"
    site.facebook_url = "https://www.facebook.com/amends-demo-example"
    site.linkedin_url = "https://www.linkedin.com/company/amends-demo-example"
    site.save()
    rules = [
        (Sector.JUSTICE, "", "justice"),
        (Sector.SCHOOLS, "KM", "school"),
        (Sector.COMMUNITIES, "", "housing"),
        (Sector.PRISONS, "", "prison"),
        ("", "NB", "justice"),
    ]
    for sector, area, key in rules:
        RoutingRule.objects.get_or_create(
            sector=sector, postcode_area=area, defaults={"target": organisations[key]}
        )
