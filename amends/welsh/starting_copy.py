"""The Welsh text the home page starts with, beside the English of amends.website.starting_copy:
staff can rewrite every word of it. Plain Welsh (Cymraeg clir); "y person a gafodd ei
niweidio" and "y person sy'n gyfrifol" rather than victim and offender."""

from __future__ import annotations

HOME = {
    "title": "Unioni pethau ar ôl niwed",
    "summary": (
        "Rydyn ni'n hyfforddi'r bobl sy'n gweithio ym maes cyfiawnder, ysgolion, tai a "
        "charchardai i ddefnyddio cyfiawnder adferol: dod â phawb y mae niwed wedi effeithio "
        "arnyn nhw at ei gilydd i gytuno sut i'w unioni."
    ),
    "body": """\
# Beth yw cyfiawnder adferol

Pan fydd rhywun yn cael ei niweidio, y cwestiwn arferol yw "pa reol a dorrwyd, a pha gosb
sy'n addas?" Mae cyfiawnder adferol yn gofyn cwestiynau gwahanol: pwy sydd wedi cael ei
frifo, beth sydd ei angen arnyn nhw, a gwaith pwy yw unioni pethau?

Mae'n dod â'r person a gafodd ei niweidio a'r person sy'n gyfrifol at ei gilydd, yn aml
gyda theulu, ffrindiau neu bobl eraill o'r gymuned, er mwyn iddyn nhw siarad am yr hyn a
ddigwyddodd a'i effeithiau, a chytuno gyda'i gilydd beth fydd yn unioni'r niwed. Does dim
rhaid i neb gymryd rhan, a gall unrhyw un stopio unrhyw bryd.

# Sut mae'n wahanol i gosb

* **Mae'n edrych ar y niwed, nid dim ond y rheol.** Mae trosedd ac ymddygiad
  gwrthgymdeithasol yn brifo pobl, perthnasoedd a chymdogaethau, ac yn aml y person a'u
  hachosodd hefyd.
* **Mae'n cynnwys y bobl yr effeithiwyd arnyn nhw.** Mae gan y person a gafodd ei niweidio
  a'r gymuned lais, yn hytrach na gwylio o'r ochr.
* **Mae'n mesur llwyddiant yn wahanol.** Y mesur yw faint o niwed a gafodd ei unioni, neu ei
  atal rhag digwydd eto, nid faint o gosb a roddwyd.

# Sut mae'n gweithio

Mae pob ffordd o weithio yn gorffen, pan fydd yn mynd yn dda, gyda chytundeb: beth fydd y
person sy'n gyfrifol yn ei wneud i wneud iawn, ac erbyn pryd.

## Cyfryngu

Mae hwylusydd hyfforddedig yn helpu'r person a gafodd ei niweidio a'r person sy'n gyfrifol
i gyfathrebu. Gallan nhw gwrdd wyneb yn wyneb, neu gall yr hwylusydd gario negeseuon neu
lythyrau rhyngddyn nhw pan nad yw cwrdd yn iawn.

## Cynadledda

Cyfarfod mwy sy'n cynnwys y bobl o gwmpas y rhai dan sylw: teulu, cefnogwyr, pobl o'r
gymuned a gweithwyr proffesiynol. Gyda'i gilydd maen nhw'n siarad am yr hyn a ddigwyddodd
ac yn cytuno ar gynllun.

## Cylchoedd

Mae pobl yn eistedd mewn cylch ac yn siarad yn eu tro, gan basio darn siarad yn aml. Gall
cylchoedd ymateb i niwed sydd wedi digwydd, ac mewn ysgolion a charchardai maen nhw hefyd
yn cael eu defnyddio cyn i niwed ddigwydd, i feithrin ymddiriedaeth a pherthnasoedd da.
""",
}
