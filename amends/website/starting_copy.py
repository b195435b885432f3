"""The text a new website starts with: staff can rewrite every word of it.

Plain English, British spelling; "person harmed" and "person responsible" rather than
victim and offender.
"""

from __future__ import annotations

SITE_NAME = "Restorative practice training and consultancy"

HOME = {
    "title": "Putting things right after harm",
    "summary": (
        "We train the people who work in justice services, schools, housing and prisons to use "
        "restorative justice: bringing together everyone affected by harm to agree how to "
        "repair it."
    ),
    "body": """\
# What restorative justice is

When someone is harmed, the usual question is "what rule was broken, and what punishment
fits?" Restorative justice asks different questions: who has been hurt, what do they need,
and whose job is it to put things right?

It brings together the person harmed and the person responsible, often with family,
friends or others from the community, so they can talk about what happened and its
effects, and agree together what will repair the harm. Nobody has to take part, and anyone
can stop at any time.

# How it differs from punishment

* **It looks at the harm, not only the rule.** Crime and anti-social behaviour hurt people,
  relationships and neighbourhoods, and often the person who caused them too.
* **It includes the people affected.** The person harmed and the community have a say,
  rather than watching from the side.
* **It counts success differently.** The measure is how much harm was repaired, or
  prevented from happening again, not how much punishment was handed out.

# How it works

Each way of working ends, when it goes well, with an agreement: what the person responsible
will do to make amends, and by when.

## Mediation

A trained facilitator helps the person harmed and the person responsible to communicate.
They may meet face to face, or the facilitator may carry messages or letters between them
when meeting is not right.

## Conferencing

A larger meeting that brings in the people around those involved: family, supporters,
people from the community and professionals. Together they talk about what happened and
agree a plan.

## Circles

People sit in a circle and take turns to speak, often passing a talking piece. Circles can
respond to harm that has happened, and in schools and prisons they are also used before
harm happens, to build trust and good relationships.
""",
}

PROGRAMMES = [
    {
        "sector": "justice",
        "title": "Criminal and civil justice",
        "summary": (
            "For police, probation, youth justice and courts: restorative justice that serves "
            "the person harmed, the person responsible and the community alike."
        ),
        "body": """\
Restorative justice can be offered at every stage of the justice system: instead of a
formal outcome for a low-level offence, before sentence, during a community sentence or in
custody.

# Who it is for

Police officers and staff, probation practitioners, youth justice workers, victim services,
magistrates' and county court staff, and anyone who refers cases to a restorative service.

# What people learn

* how to judge whether a case is suitable and safe
* how to prepare the person harmed and the person responsible, separately
* how to run a face-to-face meeting, or pass messages between people who will not meet
* how to write an agreement that can be followed up, and how to follow it up
""",
    },
    {
        "sector": "schools",
        "title": "Schools",
        "summary": (
            "For whole schools: a restorative approach that improves behaviour and culture, "
            "reduces conflict and helps pupils take responsibility for what they do."
        ),
        "body": """\
A restorative school works on relationships every day, not only when something goes wrong.
We work with the whole staff team, so that everyone uses the same language and the same
approach.

# Who it is for

Head teachers and senior leaders, pastoral and behaviour staff, teachers, teaching
assistants and lunchtime staff.

# What people learn

* short restorative conversations for everyday incidents
* classroom circles that build trust before problems start
* meetings for more serious harm, with pupils and their parents or carers
* how to measure the difference: repeat incidents, suspensions and exclusions
""",
    },
    {
        "sector": "communities",
        "title": "Communities and social housing",
        "summary": (
            "For housing officers, anti-social behaviour teams, social workers and support "
            "services: settling neighbour disputes and helping neighbourhoods change for the "
            "better."
        ),
        "body": """\
Most neighbour disputes and anti-social behaviour cases can be settled by the people
involved, with the right help, before they reach enforcement or court.

# Who it is for

Housing and neighbourhood officers, anti-social behaviour teams, community safety
partnerships, social workers, youth and support workers.

# What people learn

* how to bring neighbours together safely to talk and agree what will change
* community conferences where a whole street or estate has a say
* how restorative work fits alongside enforcement, not instead of it
* how to record what changed: repeat complaints, tenancies kept, problems that did not
  escalate
""",
    },
    {
        "sector": "prisons",
        "title": "Prisons",
        "summary": (
            "For prison officers and staff: circles and conferencing to settle conflict on the "
            "wings and to help people in prison face the harm they caused."
        ),
        "body": """\
In prison, restorative practice can calm conflict between prisoners, or between prisoners
and staff, and can help people in prison understand and respond to the harm they did to
people outside.

# Who it is for

Prison officers, custodial managers, safer custody teams, chaplaincy, education and
resettlement staff.

# What people learn

* restorative conversations to settle conflict on the wing
* circles that build safer relationships on a wing or in a workshop
* how to prepare and hold a conference after violence or a serious incident
* how to work safely with people harmed by someone in prison, when they ask for contact
""",
    },
]

PRIVACY = {
    "title": "Privacy notice",
    "summary": "What we do with the information you give us on this website, and your rights.",
    "body": """\
# Who we are

This website is run by the consultancy named at the top of the page. We decide how the
information you give us here is used, so we are its data controller.

# What we collect, and why

**If you ask about training**, we keep your organisation's name, your name and how to
contact you, and what you tell us about the training you need. We use it only to reply and
to arrange training. Our lawful basis is our legitimate interest in answering enquiries.

**If you ask for restorative justice**, we pass what you tell us to the restorative justice
service that covers your area or situation. That service becomes responsible for it. If we
have to decide by hand which service to send it to, our staff see it only to do that, and
we erase our copy as soon as it is sent. Our lawful basis is your consent, and you can
withdraw it at any time by contacting us or the service.

# What we do not do

We do not sell your information, use it for advertising, or put tracking or advertising
cookies on this website. The only cookie is one that protects our forms from misuse.

# How long we keep it

We keep training enquiries for two years after our last contact with you. We keep no copy
of a request for restorative justice once it has been passed on.

# Your rights

You can ask to see the information we hold about you, ask us to correct or delete it, or
object to how we use it. Use the details on our contact page. If you are unhappy with how
we have handled your information, you can complain to the Information Commissioner's
Office (ico.org.uk).
""",
}

ACCESSIBILITY = {
    "title": "Accessibility statement",
    "summary": "How accessible this website is, and what to do if you have a problem.",
    "body": """\
We want as many people as possible to be able to use this website. You should be able to:

* change colours, contrast levels and fonts using your browser or device settings
* zoom in up to 400% without the text spilling off the screen
* get around the whole website using just a keyboard
* use the website with a screen reader or speech recognition software
* use every page and form without JavaScript

# How accessible this website is

This website is built to meet the Web Content Accessibility Guidelines (WCAG) version 2.2
at level AA. Every page is checked with automated accessibility tests, at desktop and phone
widths, whenever it changes. The colours staff choose for the brand are checked for
contrast before they can be used.

# If you have a problem

If you find a problem with this website, or need information in a different format such as
large print or easy read, contact us using the details on our contact page. We will reply
within 5 working days.

# Enforcement

If you are not happy with our response, contact the Equality Advisory and Support Service
(EASS).
""",
}
