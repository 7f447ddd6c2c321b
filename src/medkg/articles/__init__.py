"""Articles as received: ``parse`` turns text into the model, ``extract`` drafts claims from it."""
