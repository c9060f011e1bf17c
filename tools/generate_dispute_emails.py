#!/usr/bin/env python3
# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Write the labelled client replies the dispute classifier of ``ps_billing_disputes`` learns from.

Every sentence below was written for this suite (none is copied from a corpus). A reply is put
together the way clients write them: a greeting, sometimes a line of context, the complaint in one
of several wordings (with the invoice number, hours, rates, amounts or references it quotes), now
and then a second topic, a closing and a signature, in English, French, German, Spanish or Dutch,
polite or annoyed. The seed is fixed: running the script again writes the same file.

    python3 tools/generate_dispute_emails.py [output.csv] [--per-language-reason N]
"""

import argparse
import csv
import random
from pathlib import Path

SEED = 20261119
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "addons/ps_billing_disputes/data/dispute_emails.csv"
REASONS = ("rate", "hours", "scope", "evidence", "po_reference", "tax", "duplicate", "other")

PEOPLE = {
    "en": ["Hannah Brooks", "Oliver Grant", "Priya Shah", "Tom Whitaker", "Megan O'Neill", "Daniel Ross"],
    "fr": ["Camille Lefèvre", "Julien Moreau", "Sophie Bernard", "Antoine Girard", "Claire Dubois"],
    "de": ["Katrin Vogel", "Stefan Krüger", "Anja Hoffmann", "Markus Brandt", "Julia Schäfer"],
    "es": ["Lucía Romero", "Javier Ortega", "Marta Iglesias", "Pablo Navarro", "Carmen Ruiz"],
    "nl": ["Sanne de Vries", "Joris Bakker", "Eva Jansen", "Pieter van Dijk", "Lotte Visser"],
}
COMPANIES = [
    "Northwind Industries",
    "Harbor Logistics",
    "Alpenwerk GmbH",
    "Iberia Foods",
    "Polder Energie BV",
    "Lumière Retail",
    "Kestrel Insurance",
    "Maple Health",
    "Vinci Ports",
    "Orbis Telecom",
]
TITLES = {
    "en": ["Accounts Payable", "Finance Manager", "Procurement Lead", "IT Director", "Project Sponsor"],
    "fr": ["Comptabilité fournisseurs", "Responsable financier", "Acheteuse", "DSI", "Chef de projet"],
    "de": ["Kreditorenbuchhaltung", "Leiter Finanzen", "Einkauf", "IT-Leitung", "Projektleitung"],
    "es": ["Cuentas a pagar", "Director financiero", "Compras", "Responsable de IT", "Jefa de proyecto"],
    "nl": ["Crediteurenadministratie", "Financieel manager", "Inkoop", "IT-manager", "Projectleider"],
}
MONTHS = {
    "en": ["September", "October", "November"],
    "fr": ["septembre", "octobre", "novembre"],
    "de": ["September", "Oktober", "November"],
    "es": ["septiembre", "octubre", "noviembre"],
    "nl": ["september", "oktober", "november"],
}
GREETINGS = {
    "en": ["Hello,", "Hi {first},", "Dear {first},", "Good morning,", "Dear Sir or Madam,", "Hi team,", ""],
    "fr": ["Bonjour,", "Bonjour {first},", "Madame, Monsieur,", "Bonjour à tous,", "Cher {first},", ""],
    "de": ["Hallo,", "Guten Tag,", "Hallo {first},", "Sehr geehrte Damen und Herren,", "Liebe Kollegen,", ""],
    "es": ["Hola,", "Buenos días,", "Hola {first},", "Estimados señores:", "Buenas tardes,", ""],
    "nl": ["Hallo,", "Goedemorgen,", "Beste {first},", "Geachte heer/mevrouw,", "Hoi {first},", ""],
}
CONTEXTS = {
    "en": [
        "Thanks for sending invoice {inv}.",
        "We received invoice {inv} yesterday.",
        "I am reviewing your invoice {inv} for {month}.",
        "Regarding invoice {inv}:",
        "",
        "Our finance team flagged {inv} during the monthly review.",
        "",
    ],
    "fr": [
        "Merci pour la facture {inv}.",
        "Nous avons bien reçu la facture {inv}.",
        "Concernant votre facture {inv} de {month} :",
        "",
        "En contrôlant la facture {inv}, nous avons un souci.",
        "",
    ],
    "de": [
        "vielen Dank für die Rechnung {inv}.",
        "wir haben Ihre Rechnung {inv} erhalten.",
        "bei der Prüfung der Rechnung {inv} für {month} ist uns etwas aufgefallen.",
        "",
        "zu Rechnung {inv}:",
        "",
    ],
    "es": [
        "Gracias por la factura {inv}.",
        "Hemos recibido la factura {inv}.",
        "Revisando su factura {inv} de {month}, hemos visto lo siguiente.",
        "",
        "En relación con la factura {inv}:",
        "",
    ],
    "nl": [
        "Bedankt voor factuur {inv}.",
        "Wij hebben factuur {inv} ontvangen.",
        "Bij het controleren van factuur {inv} over {month} viel ons iets op.",
        "",
        "Betreft factuur {inv}:",
        "",
    ],
}
CLOSINGS = {
    "en": {
        "polite": [
            "Could you please have a look?",
            "Thanks in advance for checking.",
            "Happy to discuss on a call.",
            "Please send us a corrected invoice.",
        ],
        "angry": [
            "This is the second time this happens.",
            "We will not pay until this is fixed.",
            "Please sort this out quickly.",
            "Frankly, this is not acceptable.",
        ],
    },
    "fr": {
        "polite": [
            "Pourriez-vous vérifier ?",
            "Merci d'avance pour votre retour.",
            "Je reste disponible pour en parler.",
            "Merci de nous envoyer une facture rectifiée.",
        ],
        "angry": [
            "C'est la deuxième fois que cela arrive.",
            "Nous bloquons le paiement en attendant.",
            "Merci de corriger rapidement.",
            "Ce n'est vraiment pas acceptable.",
        ],
    },
    "de": {
        "polite": [
            "Könnten Sie das bitte prüfen?",
            "Vielen Dank vorab.",
            "Gerne können wir kurz telefonieren.",
            "Bitte senden Sie uns eine korrigierte Rechnung.",
        ],
        "angry": [
            "Das ist bereits das zweite Mal.",
            "Bis zur Klärung halten wir die Zahlung zurück.",
            "Bitte klären Sie das umgehend.",
            "Das ist so nicht akzeptabel.",
        ],
    },
    "es": {
        "polite": [
            "¿Podrían revisarlo, por favor?",
            "Gracias de antemano.",
            "Quedo a su disposición para hablarlo.",
            "Por favor, envíennos una factura rectificada.",
        ],
        "angry": [
            "Es la segunda vez que pasa.",
            "No pagaremos hasta que se corrija.",
            "Les ruego que lo solucionen cuanto antes.",
            "Sinceramente, no es aceptable.",
        ],
    },
    "nl": {
        "polite": [
            "Kunnen jullie dit nakijken?",
            "Alvast bedankt.",
            "Ik bel graag even om het te bespreken.",
            "Graag ontvangen wij een gecorrigeerde factuur.",
        ],
        "angry": [
            "Dit is al de tweede keer.",
            "Wij houden de betaling aan tot dit is opgelost.",
            "Graag snel oplossen.",
            "Dit is eerlijk gezegd niet acceptabel.",
        ],
    },
}
SIGN_OFFS = {
    "en": ["Best regards,", "Kind regards,", "Thanks,", "Regards,", "Cheers,"],
    "fr": ["Cordialement,", "Bien à vous,", "Merci,", "Bien cordialement,"],
    "de": ["Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße", "Gruß"],
    "es": ["Saludos cordiales,", "Un saludo,", "Gracias,", "Atentamente,"],
    "nl": ["Met vriendelijke groet,", "Groeten,", "Vriendelijke groeten,", "Mvg,"],
}

# Replies that dispute nothing ("other": an address, bank details, a confirmation) open and close
# without a complaint.
NEUTRAL_CONTEXTS = {lang: contexts[:2] + [""] for lang, contexts in CONTEXTS.items()}
NEUTRAL_CLOSINGS = {
    "en": ["Thanks a lot.", "Let me know if you need anything else.", "Have a nice day."],
    "fr": ["Merci beaucoup.", "N'hésitez pas si besoin.", "Bonne journée."],
    "de": ["Vielen Dank.", "Melden Sie sich gern bei Rückfragen.", "Schönen Tag noch."],
    "es": ["Muchas gracias.", "Quedo atento a cualquier duda.", "Que tengan un buen día."],
    "nl": ["Alvast dank.", "Laat het weten als er vragen zijn.", "Fijne dag nog."],
}

# The complaint itself, by language and reason. Placeholders: {inv} invoice number, {hours} and
# {agreed_hours} hours, {rate} and {agreed_rate} hourly rates, {amount} an amount, {po} a purchase
# order, {month}, {person} a consultant, {pct} a VAT rate.
COMPLAINTS = {
    "en": {
        "rate": [
            "The hourly rate on the invoice is {rate} but our contract says {agreed_rate}.",
            "You charged senior rates for {person}, who was staffed as a junior consultant.",
            "The day rate went up without any notice; we signed for {agreed_rate} per hour, not {rate}.",
            "Why is the rate {rate}? The framework agreement caps it at {agreed_rate}.",
            "The price per hour does not match the rate card attached to the order.",
        ],
        "hours": [
            "We count {agreed_hours} hours in our approved timesheets, the invoice bills {hours}.",
            "{person} was on holiday for a week in {month}, yet the invoice shows full weeks of time.",
            "The number of hours looks too high: {hours} hours for a two-day workshop?",
            "Some of the hours were logged twice on the same day, please check the timesheet.",
            "Our project lead never approved {hours} hours, only {agreed_hours}.",
        ],
        "scope": [
            "The data migration was out of scope of the statement of work, we never ordered it.",
            "This work was not part of what we agreed; there is no signed change request.",
            "The extra interfaces were requested by your team, not by us, so we will not pay for them.",
            "Training sessions were included in the fixed fee, they should not be billed separately.",
            "The invoice covers features that were explicitly excluded in the proposal.",
        ],
        "evidence": [
            "Please send the detailed timesheets behind this invoice before we can approve it.",
            "There is no proof of delivery for the milestone billed here; where is the signed acceptance?",
            "We need the breakdown per consultant and per day, the invoice only shows a total.",
            "Our auditors ask for the supporting documents: timesheet report and the expense receipts.",
            "Can you share the acceptance report for milestone 2? We cannot release payment without it.",
        ],
        "po_reference": [
            "The invoice does not quote our purchase order number {po}, so our system rejected it.",
            "Please reissue the invoice with PO {po} on it, otherwise accounts payable cannot book it.",
            "The PO number on the invoice is wrong; the correct one is {po}.",
            "Our cost centre and order reference are missing, please add them.",
            "This invoice refers to an expired purchase order; the new PO is {po}.",
        ],
        "tax": [
            "VAT was charged at {pct}% but we are a company in another EU country: reverse charge applies.",
            "The invoice is missing our VAT number and the reverse charge mention.",
            "You applied the wrong tax rate, services to us are exempt.",
            "The VAT amount does not add up, {amount} looks wrong for this net total.",
            "Withholding tax was not taken into account on this invoice.",
        ],
        "duplicate": [
            "We already paid this invoice last month, it looks like a duplicate of {inv}.",
            "This seems to be the same invoice sent twice, with a new number.",
            "The same hours of {month} were already billed on a previous invoice.",
            "You sent us two invoices for the same milestone; we will only pay one.",
            "Duplicate: the lines are identical to the invoice we settled on {month} 15.",
        ],
        "other": [
            "Could you send the invoice to our new address for invoices instead?",
            "Please update your records: our company moved to a new office.",
            "Can you tell me the bank details again? The payment portal needs an IBAN.",
            "Thanks, the invoice is approved and will be paid on the next run.",
            "Who is our new contact for billing questions now that Anna has left?",
        ],
    },
    "fr": {
        "rate": [
            "Le taux horaire facturé est de {rate} alors que le contrat prévoit {agreed_rate}.",
            "Vous avez facturé {person} au tarif senior alors qu'il intervient comme junior.",
            "Le taux journalier a augmenté sans préavis : nous avions signé à {agreed_rate} de l'heure.",
            "Pourquoi le tarif est-il de {rate} ? L'accord-cadre le plafonne à {agreed_rate}.",
            "Le prix unitaire ne correspond pas à la grille tarifaire jointe au bon de commande.",
        ],
        "hours": [
            "Nous comptons {agreed_hours} heures validées dans les feuilles de temps, vous en facturez {hours}.",
            "{person} était en congés une semaine en {month}, pourtant la facture montre des semaines complètes.",
            "Le nombre d'heures paraît trop élevé : {hours} heures pour un atelier de deux jours ?",
            "Certaines heures ont été saisies deux fois le même jour, merci de vérifier les temps.",
            "Notre chef de projet n'a jamais validé {hours} heures, seulement {agreed_hours}.",
        ],
        "scope": [
            "La reprise de données était hors du périmètre du contrat, nous ne l'avons jamais commandée.",
            "Ces travaux ne faisaient pas partie de ce qui était convenu ; aucun avenant n'a été signé.",
            "Les interfaces supplémentaires ont été demandées par votre équipe, pas par nous.",
            "Les formations étaient incluses dans le forfait, elles ne doivent pas être facturées à part.",
            "La facture couvre des fonctionnalités explicitement exclues de la proposition.",
        ],
        "evidence": [
            "Merci de nous envoyer le détail des feuilles de temps avant que nous puissions valider.",
            "Il n'y a pas de procès-verbal de recette pour le jalon facturé ; où est la validation signée ?",
            "Nous avons besoin du détail par consultant et par jour, la facture ne donne qu'un total.",
            "Nos auditeurs demandent les justificatifs : relevé des temps et notes de frais.",
            "Pouvez-vous nous transmettre le PV de recette du lot 2 ? Sans lui, pas de paiement.",
        ],
        "po_reference": [
            "La facture ne mentionne pas notre numéro de bon de commande {po}, elle a été rejetée.",
            "Merci de réémettre la facture avec la référence de commande {po}.",
            "Le numéro de commande indiqué est erroné, le bon est {po}.",
            "Notre centre de coût et la référence de commande manquent, merci de les ajouter.",
            "La facture fait référence à une commande expirée ; la nouvelle est {po}.",
        ],
        "tax": [
            "La TVA a été appliquée à {pct} % alors que l'autoliquidation s'applique entre nos deux pays.",
            "Il manque notre numéro de TVA intracommunautaire et la mention d'autoliquidation.",
            "Le taux de TVA appliqué est erroné, ces prestations sont exonérées.",
            "Le montant de TVA ne tombe pas juste, {amount} ne correspond pas au total HT.",
            "La retenue à la source n'a pas été prise en compte sur cette facture.",
        ],
        "duplicate": [
            "Nous avons déjà réglé cette facture le mois dernier, c'est un doublon de {inv}.",
            "Il semble que la même facture nous ait été envoyée deux fois avec un nouveau numéro.",
            "Les mêmes heures de {month} figuraient déjà sur une facture précédente.",
            "Vous nous avez envoyé deux factures pour le même jalon ; nous n'en paierons qu'une.",
            "Doublon : les lignes sont identiques à la facture réglée le 15 {month}.",
        ],
        "other": [
            "Pourriez-vous envoyer les factures à notre nouvelle adresse de facturation ?",
            "Merci de mettre à jour nos coordonnées, nous avons déménagé.",
            "Pouvez-vous me redonner vos coordonnées bancaires ? Le portail demande un IBAN.",
            "Merci, la facture est validée et sera payée lors du prochain virement.",
            "Qui est notre nouveau contact pour la facturation depuis le départ d'Anna ?",
        ],
    },
    "de": {
        "rate": [
            "Der Stundensatz auf der Rechnung beträgt {rate}, vertraglich vereinbart sind {agreed_rate}.",
            "Sie haben {person} zum Senior-Satz abgerechnet, eingesetzt war er als Junior-Berater.",
            "Der Tagessatz wurde ohne Ankündigung erhöht; unterschrieben haben wir {agreed_rate} pro Stunde.",
            "Warum liegt der Satz bei {rate}? Der Rahmenvertrag begrenzt ihn auf {agreed_rate}.",
            "Der Preis pro Stunde stimmt nicht mit der Preisliste zur Bestellung überein.",
        ],
        "hours": [
            "In unseren freigegebenen Stundenzetteln stehen {agreed_hours} Stunden, berechnet werden {hours}.",
            "{person} war im {month} eine Woche im Urlaub, trotzdem zeigt die Rechnung volle Wochen.",
            "Die Stundenzahl ist zu hoch: {hours} Stunden für einen zweitägigen Workshop?",
            "Einige Stunden wurden am selben Tag doppelt erfasst, bitte prüfen Sie die Zeiterfassung.",
            "Unsere Projektleitung hat nie {hours} Stunden freigegeben, nur {agreed_hours}.",
        ],
        "scope": [
            "Die Datenmigration war nicht Teil des Leistungsumfangs, wir haben sie nie beauftragt.",
            "Diese Leistungen waren nicht vereinbart; es gibt keinen unterschriebenen Änderungsantrag.",
            "Die zusätzlichen Schnittstellen hat Ihr Team angestoßen, nicht wir.",
            "Die Schulungen waren im Festpreis enthalten und dürfen nicht extra berechnet werden.",
            "Die Rechnung enthält Funktionen, die im Angebot ausdrücklich ausgeschlossen waren.",
        ],
        "evidence": [
            "Bitte senden Sie uns die detaillierten Stundennachweise zu dieser Rechnung.",
            "Für den berechneten Meilenstein fehlt das Abnahmeprotokoll; wo ist die unterschriebene Abnahme?",
            "Wir benötigen eine Aufstellung pro Berater und Tag, die Rechnung zeigt nur eine Summe.",
            "Unsere Wirtschaftsprüfer verlangen die Belege: Tätigkeitsnachweis und Reisekostenbelege.",
            "Können Sie uns das Abnahmeprotokoll für Phase 2 schicken? Ohne das keine Freigabe.",
        ],
        "po_reference": [
            "Auf der Rechnung fehlt unsere Bestellnummer {po}, deshalb hat unser System sie abgelehnt.",
            "Bitte stellen Sie die Rechnung mit der Bestellnummer {po} neu aus.",
            "Die angegebene Bestellnummer ist falsch, richtig ist {po}.",
            "Kostenstelle und Bestellreferenz fehlen, bitte ergänzen.",
            "Die Rechnung bezieht sich auf eine abgelaufene Bestellung; die neue lautet {po}.",
        ],
        "tax": [
            "Es wurden {pct} % Umsatzsteuer berechnet, obwohl das Reverse-Charge-Verfahren gilt.",
            "Es fehlen unsere USt-IdNr. und der Hinweis auf die Steuerschuldnerschaft des Leistungsempfängers.",
            "Der Steuersatz ist falsch, diese Leistungen sind steuerfrei.",
            "Der Mehrwertsteuerbetrag stimmt nicht, {amount} passt nicht zur Nettosumme.",
            "Die Quellensteuer wurde auf dieser Rechnung nicht berücksichtigt.",
        ],
        "duplicate": [
            "Diese Rechnung haben wir letzten Monat schon bezahlt, sie ist ein Duplikat von {inv}.",
            "Das scheint dieselbe Rechnung zu sein, nur mit neuer Nummer doppelt verschickt.",
            "Dieselben Stunden aus dem {month} wurden bereits auf einer früheren Rechnung berechnet.",
            "Sie haben uns zwei Rechnungen für denselben Meilenstein geschickt; wir zahlen nur eine.",
            "Doppelt: die Positionen sind identisch mit der am 15. {month} beglichenen Rechnung.",
        ],
        "other": [
            "Bitte senden Sie Rechnungen künftig an unsere neue Rechnungsadresse.",
            "Bitte aktualisieren Sie unsere Stammdaten, wir sind umgezogen.",
            "Können Sie mir Ihre Bankverbindung noch einmal schicken? Das Portal verlangt eine IBAN.",
            "Danke, die Rechnung ist freigegeben und wird mit dem nächsten Zahllauf bezahlt.",
            "Wer ist jetzt unser Ansprechpartner für Rechnungsfragen, nachdem Anna gegangen ist?",
        ],
    },
    "es": {
        "rate": [
            "La tarifa por hora de la factura es {rate}, pero el contrato fija {agreed_rate}.",
            "Han facturado a {person} con tarifa sénior cuando trabaja como consultor júnior.",
            "La tarifa diaria subió sin aviso; firmamos {agreed_rate} por hora, no {rate}.",
            "¿Por qué la tarifa es {rate}? El acuerdo marco la limita a {agreed_rate}.",
            "El precio por hora no coincide con la lista de tarifas del pedido.",
        ],
        "hours": [
            "En nuestras hojas de horas aprobadas hay {agreed_hours} horas y la factura cobra {hours}.",
            "{person} estuvo de vacaciones una semana en {month} y aun así la factura muestra semanas completas.",
            "El número de horas parece excesivo: ¿{hours} horas para un taller de dos días?",
            "Algunas horas se registraron dos veces el mismo día, revisen el parte de horas, por favor.",
            "Nuestro jefe de proyecto nunca aprobó {hours} horas, solo {agreed_hours}.",
        ],
        "scope": [
            "La migración de datos estaba fuera del alcance del contrato, nunca la pedimos.",
            "Este trabajo no formaba parte de lo acordado; no hay ninguna solicitud de cambio firmada.",
            "Las interfaces adicionales las pidió su equipo, no nosotros.",
            "La formación estaba incluida en el precio cerrado y no debe facturarse aparte.",
            "La factura incluye funcionalidades que la propuesta excluía expresamente.",
        ],
        "evidence": [
            "Por favor, envíennos el detalle de los partes de horas antes de aprobar la factura.",
            "No hay acta de aceptación del hito facturado; ¿dónde está la conformidad firmada?",
            "Necesitamos el desglose por consultor y por día, la factura solo muestra un total.",
            "Nuestros auditores piden la documentación soporte: informe de horas y tickets de gastos.",
            "¿Pueden enviarnos el acta de aceptación de la fase 2? Sin ella no podemos pagar.",
        ],
        "po_reference": [
            "La factura no indica nuestro número de pedido {po} y el sistema la ha rechazado.",
            "Por favor, emitan de nuevo la factura con el pedido {po}.",
            "El número de pedido de la factura es incorrecto; el correcto es {po}.",
            "Faltan nuestro centro de coste y la referencia del pedido, añádanlos por favor.",
            "La factura hace referencia a un pedido caducado; el nuevo es {po}.",
        ],
        "tax": [
            "Han aplicado un IVA del {pct} % cuando corresponde inversión del sujeto pasivo.",
            "Falta nuestro NIF intracomunitario y la mención de inversión del sujeto pasivo.",
            "El tipo de IVA aplicado es incorrecto, estos servicios están exentos.",
            "El importe del IVA no cuadra, {amount} no corresponde a la base imponible.",
            "No se ha tenido en cuenta la retención en esta factura.",
        ],
        "duplicate": [
            "Ya pagamos esta factura el mes pasado, parece un duplicado de {inv}.",
            "Parece la misma factura enviada dos veces con otro número.",
            "Las mismas horas de {month} ya se facturaron en una factura anterior.",
            "Nos han enviado dos facturas por el mismo hito; solo pagaremos una.",
            "Duplicada: las líneas son idénticas a la factura que pagamos el 15 de {month}.",
        ],
        "other": [
            "¿Podrían enviar las facturas a nuestra nueva dirección de facturación?",
            "Actualicen nuestros datos, por favor: nos hemos mudado de oficina.",
            "¿Me pueden volver a enviar sus datos bancarios? El portal pide un IBAN.",
            "Gracias, la factura está aprobada y se pagará en la próxima remesa.",
            "¿Quién es ahora nuestro contacto para facturación desde que Anna se fue?",
        ],
    },
    "nl": {
        "rate": [
            "Het uurtarief op de factuur is {rate}, maar in het contract staat {agreed_rate}.",
            "Jullie rekenen {person} tegen seniortarief terwijl hij als junior is ingezet.",
            "Het dagtarief is zonder aankondiging verhoogd; wij tekenden voor {agreed_rate} per uur.",
            "Waarom is het tarief {rate}? De raamovereenkomst maximeert het op {agreed_rate}.",
            "De prijs per uur klopt niet met de tarievenlijst bij de order.",
        ],
        "hours": [
            "In onze goedgekeurde urenstaten staan {agreed_hours} uur, de factuur rekent er {hours}.",
            "{person} was in {month} een week op vakantie, toch staan er volle weken op de factuur.",
            "Het aantal uren is te hoog: {hours} uur voor een workshop van twee dagen?",
            "Sommige uren zijn op dezelfde dag dubbel geboekt, kunnen jullie de urenregistratie nakijken?",
            "Onze projectleider heeft nooit {hours} uur goedgekeurd, alleen {agreed_hours}.",
        ],
        "scope": [
            "De datamigratie viel buiten de scope van de opdracht, die hebben wij nooit besteld.",
            "Dit werk hoorde niet bij de afspraken; er is geen getekend wijzigingsverzoek.",
            "De extra koppelingen zijn door jullie team voorgesteld, niet door ons.",
            "De trainingen zaten in de vaste prijs en horen niet apart gefactureerd te worden.",
            "De factuur bevat functionaliteit die in de offerte uitdrukkelijk was uitgesloten.",
        ],
        "evidence": [
            "Stuur ons eerst de gedetailleerde urenstaten bij deze factuur, dan kunnen wij goedkeuren.",
            "Er is geen getekend acceptatieverslag voor de gefactureerde mijlpaal.",
            "Wij hebben een uitsplitsing per consultant en per dag nodig, de factuur toont alleen een totaal.",
            "Onze accountant vraagt om onderbouwing: urenoverzicht en bonnen van de onkosten.",
            "Kunnen jullie het acceptatierapport van fase 2 sturen? Zonder dat betalen wij niet.",
        ],
        "po_reference": [
            "Ons inkoopordernummer {po} staat niet op de factuur, daarom is hij afgekeurd.",
            "Graag de factuur opnieuw versturen met ordernummer {po}.",
            "Het ordernummer op de factuur is onjuist, het juiste nummer is {po}.",
            "Onze kostenplaats en orderreferentie ontbreken, graag toevoegen.",
            "De factuur verwijst naar een verlopen inkooporder; de nieuwe is {po}.",
        ],
        "tax": [
            "Er is {pct}% btw gerekend terwijl de btw verlegd moet worden.",
            "Ons btw-nummer en de vermelding 'btw verlegd' ontbreken op de factuur.",
            "Het btw-tarief is fout, deze diensten zijn vrijgesteld.",
            "Het btw-bedrag klopt niet, {amount} past niet bij het bedrag exclusief btw.",
            "Er is geen rekening gehouden met de bronbelasting op deze factuur.",
        ],
        "duplicate": [
            "Deze factuur hebben wij vorige maand al betaald, het is een dubbele van {inv}.",
            "Dit lijkt dezelfde factuur die twee keer is verstuurd met een nieuw nummer.",
            "Dezelfde uren van {month} zijn al eerder gefactureerd.",
            "Jullie hebben twee facturen gestuurd voor dezelfde mijlpaal; wij betalen er één.",
            "Dubbel: de regels zijn gelijk aan de factuur die wij op 15 {month} hebben betaald.",
        ],
        "other": [
            "Willen jullie de facturen voortaan naar ons nieuwe factuuradres sturen?",
            "Graag onze gegevens bijwerken, wij zijn verhuisd.",
            "Kunnen jullie de bankgegevens nog eens sturen? Het portaal vraagt om een IBAN.",
            "Dank, de factuur is goedgekeurd en wordt bij de volgende betaalrun voldaan.",
            "Wie is nu onze contactpersoon voor facturatie sinds Anna weg is?",
        ],
    },
}
# A second, shorter topic some clients add; it does not change what the reply is mainly about.
ASIDES = {
    "en": [
        "Also, the invoice should go to ap@{domain}.",
        "By the way, please add our PO next time.",
        "On a side note, the VAT line looks odd too.",
        "And could you attach the timesheets going forward?",
    ],
    "fr": [
        "Par ailleurs, merci d'envoyer les factures à compta@{domain}.",
        "Au passage, indiquez notre commande la prochaine fois.",
        "Accessoirement, la ligne de TVA semble bizarre aussi.",
        "Et pourriez-vous joindre les temps à l'avenir ?",
    ],
    "de": [
        "Außerdem bitte Rechnungen an buchhaltung@{domain} senden.",
        "Nebenbei: bitte künftig unsere Bestellnummer angeben.",
        "Die Steuerzeile sieht übrigens auch seltsam aus.",
        "Und bitte künftig die Stundennachweise beilegen.",
    ],
    "es": [
        "Además, envíen las facturas a facturas@{domain}.",
        "Por cierto, indiquen nuestro pedido la próxima vez.",
        "De paso, la línea de IVA también parece rara.",
        "¿Y podrían adjuntar los partes de horas en adelante?",
    ],
    "nl": [
        "Verder graag facturen naar crediteuren@{domain} sturen.",
        "Overigens graag volgende keer ons ordernummer vermelden.",
        "De btw-regel ziet er trouwens ook vreemd uit.",
        "En willen jullie voortaan de urenstaten meesturen?",
    ],
}
QUOTE_HEADERS = {
    "en": "On {month} 3, Billing Control <invoices@example.com> wrote:",
    "fr": "Le 3 {month}, Billing Control <invoices@example.com> a écrit :",
    "de": "Am 3. {month} schrieb Billing Control <invoices@example.com>:",
    "es": "El 3 de {month}, Billing Control <invoices@example.com> escribió:",
    "nl": "Op 3 {month} schreef Billing Control <invoices@example.com>:",
}
QUOTED = {
    "en": "> Please find attached invoice {inv} for {amount}.",
    "fr": "> Veuillez trouver ci-joint la facture {inv} d'un montant de {amount}.",
    "de": "> Anbei erhalten Sie die Rechnung {inv} über {amount}.",
    "es": "> Adjuntamos la factura {inv} por importe de {amount}.",
    "nl": "> Bijgaand ontvangt u factuur {inv} van {amount}.",
}


def _money(rng, lang):
    value = rng.randrange(800, 60000) + rng.choice((0, 0.5, 0.25))
    text = f"{value:,.2f}"
    if lang == "en":
        return f"EUR {text}"
    # Continental Europe writes 12.345,50 (French: 12 345,50).
    text = text.replace(",", " " if lang == "fr" else "_").replace(".", ",").replace("_", ".")
    return f"€ {text}" if lang == "nl" else f"{text} €"


def _values(rng, lang):
    rate = rng.choice((95, 110, 120, 135, 150, 165, 180))
    agreed_hours = rng.choice((24, 32, 40, 56, 64, 80, 120))
    return {
        "inv": f"INV/2026/{rng.randrange(1, 999):05d}",
        "rate": f"{rate + rng.choice((10, 15, 20, 25))}",
        "agreed_rate": f"{rate}",
        "hours": f"{agreed_hours + rng.choice((4, 8, 12, 16))}",
        "agreed_hours": f"{agreed_hours}",
        "amount": _money(rng, lang),
        "po": rng.choice(("PO-", "PO ", "BC", "4500", "OC-")) + f"{rng.randrange(10000, 99999)}",
        "month": rng.choice(MONTHS[lang]),
        "person": rng.choice(PEOPLE[lang]).split()[0],
        "pct": rng.choice(("20", "19", "21", "10")),
    }


def compose(rng, lang, reason):
    """Return one reply of a client writing in ``lang`` mainly about ``reason``."""
    values = _values(rng, lang)
    writer = rng.choice(PEOPLE[lang])
    company = rng.choice(COMPANIES)
    domain = company.lower().replace(" ", "-").replace("é", "e") + ".example"
    our_contact = rng.choice(PEOPLE["en"]).split()[0]
    neutral = reason == "other"
    tone = "angry" if not neutral and rng.random() < 0.3 else "polite"
    parts = []
    greeting = rng.choice(GREETINGS[lang]).format(first=our_contact)
    if greeting:
        parts.append(greeting)
    body = []
    context = rng.choice((NEUTRAL_CONTEXTS if neutral else CONTEXTS)[lang]).format(**values)
    if context:
        body.append(context[0].upper() + context[1:] if not greeting.endswith(",") else context)
    complaints = rng.sample(COMPLAINTS[lang][reason], k=2 if rng.random() < 0.35 else 1)
    body.extend(sentence.format(**values) for sentence in complaints)
    if rng.random() < 0.18:
        body.append(rng.choice(ASIDES[lang]).format(domain=domain))
    body.append(rng.choice(NEUTRAL_CLOSINGS[lang] if neutral else CLOSINGS[lang][tone]))
    separator = "\n" if rng.random() < 0.5 else " "
    parts.append(separator.join(body))
    signature = rng.choice(SIGN_OFFS[lang]) + "\n" + writer
    if rng.random() < 0.6:
        signature += "\n" + rng.choice(TITLES[lang]) + " | " + company
    if rng.random() < 0.3:
        signature += f"\n+{rng.choice((31, 33, 34, 44, 49))} {rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"
    parts.append(signature)
    if rng.random() < 0.25:
        parts.append(QUOTE_HEADERS[lang].format(**values) + "\n" + QUOTED[lang].format(**values))
    text = "\n\n".join(parts)
    if tone == "angry" and rng.random() < 0.3:
        text = text.replace(".\n", "!\n", 1)
    return text


def generate(per_language_reason=11, seed=SEED):
    """Return [(text, language, reason)]: ``per_language_reason`` replies per language and reason."""
    rng = random.Random(seed)
    rows = []
    for lang in COMPLAINTS:
        for reason in REASONS:
            seen = set()
            while len([row for row in rows if row[1:] == (lang, reason)]) < per_language_reason:
                text = compose(rng, lang, reason)
                if text not in seen:
                    seen.add(text)
                    rows.append((text, lang, reason))
    rng.shuffle(rows)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--per-language-reason", type=int, default=11)
    args = parser.parse_args()
    rows = generate(args.per_language_reason)
    with open(args.output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("text", "language", "reason"))
        writer.writerows(rows)
    print(f"{len(rows)} replies written to {args.output}")


if __name__ == "__main__":
    main()
