"""Deliberation (DESIGN §2): solicitations and suggestions, matters through their procedure,
assemblies and voting. One blueprint; its routes live in ``solicitations``, ``matters`` and
``assemblies``, which ``portal.blueprints.register_blueprints`` imports."""
from flask import Blueprint

bp = Blueprint("deliberation", __name__)
