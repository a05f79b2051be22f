"""Small plans built in code, one behaviour each; `clean_plan` triggers no finding at all."""

from __future__ import annotations

from omnisheet.outputs.workbook import blank_plan
from omnisheet.plan.model import (
    DataNeed,
    Measure,
    Message,
    Placement,
    Plan,
    Scenario,
    Touchpoint,
    UseCase,
)


def clean_plan(lang: str = "fr") -> Plan:
    """A complete, consistent plan: every friction and opportunity addressed, every top use
    case implemented, every scenario placed, triggered, messaged and fed with available data
    (its consents too), no target over a contact cap (target 1, in the cart abandonment and,
    at the stage before, the welcome series of All contacts, gets 3 emails in 3 days)."""
    return blank_plan(lang).with_changes(
        touchpoints=(
            Touchpoint(stage="discover", channel="social", description="Publicité Instagram",
                       status="normal"),
            Touchpoint(stage="find_out", channel="website", description="Fiche produit",
                       status="friction"),
            Touchpoint(stage="buy", channel="website", description="Tunnel de commande",
                       status="opportunity"),
            Touchpoint(stage="buy", channel="email", description="Confirmation de commande",
                       status="normal"),
            Touchpoint(stage="receive", channel="sms", description="Avis de livraison",
                       status="normal"),
        ),
        measures=(
            Measure(stage="find_out", channel="website", indicator="csat_5", value=3.6,
                    target=4.2, answers=500, period="T3 2026", share=40, evidence="direct",
                    verbatim="Dimensions introuvables"),
        ),
        use_cases=(
            UseCase(id="UC-001", category="knowledge", title="Enrichir les fiches produit",
                    objective="Conversion", stage="find_out", channel="website",
                    business_impact=4, cx_impact=4, difficulty=2, owner="Resp. e-commerce",
                    status="planned"),
            UseCase(id="UC-002", category="activation", title="Relancer les paniers abandonnés",
                    objective="Conversion", stage="buy", channel=None, business_impact=5,
                    cx_impact=3, difficulty=4, owner="Resp. CRM", status="idea"),
            UseCase(id="UC-003", category="reporting", title="Tableau de bord mensuel",
                    stage="buy", channel="email", business_impact=2, cx_impact=1, difficulty=1),
        ),
        placements=(
            Placement(relationship_stage="welcome", target="all_contacts", scenarios=("SC-001",)),
            Placement(relationship_stage="activation", target="target_1", scenarios=("SC-002",)),
        ),
        scenarios=(
            Scenario(id="SC-001", name="Bienvenue", programme="conversion",
                     relationship_stage="welcome", target="all_contacts", use_case="UC-001",
                     trigger_type="behaviour", trigger="Inscription", exit_condition="Achat"),
            Scenario(id="SC-002", name="Panier abandonné", programme="activation",
                     relationship_stage="activation", target="target_1", use_case="UC-002",
                     trigger_type="behaviour", trigger="Panier non validé depuis 1 h",
                     exit_condition="Commande passée"),
        ),
        messages=(
            Message(scenario="SC-001", delay="J+0", channel="email", content="Bienvenue"),
            Message(scenario="SC-001", delay="J+3", channel="email", content="Nos conseils"),
            Message(scenario="SC-002", delay="J+1", channel="email", content="Votre panier"),
            Message(scenario="SC-002", delay="J+5", channel="sms", content="Code promo -10 %"),
        ),
        data_needs=(
            DataNeed(scenario="SC-001", variable="Email et consentement", source="crm",
                     availability="available", frequency="daily", owner="DSI"),
            DataNeed(scenario="SC-002", variable="Contenu du panier", source="ecommerce",
                     availability="available", frequency="real_time", owner="E-commerce"),
            DataNeed(scenario="SC-002", variable="Consentements email et SMS", source="crm",
                     availability="available", frequency="real_time", owner="DSI"),
        ),
    )
