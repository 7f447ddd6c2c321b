"""Model -> RDF: quads per named graph, derived graphs, JSON-LD."""
