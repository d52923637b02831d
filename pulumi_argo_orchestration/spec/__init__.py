"""The typed spec: field types, models, whole-pipeline rules, loading spec files, warnings.

Pure: knows nothing of manifests or Pulumi. `loading.load_pipeline` is the one way in: a mapping
or a model becomes a validated `Pipeline`, or a `SpecError` lists every problem with its path.
"""
