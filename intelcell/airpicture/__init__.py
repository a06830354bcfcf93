"""The air picture's adapters: ingest formats, sensor registry, the tracking engine, the live feed."""
