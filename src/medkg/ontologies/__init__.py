"""The ontology index for grounding: OBO/OWL files and shipped vocabularies -> terms on disk."""
