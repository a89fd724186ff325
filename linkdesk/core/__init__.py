"""LinkDesk's core: store, importers, normalisation, scoring and writers. Never imports Qt."""
