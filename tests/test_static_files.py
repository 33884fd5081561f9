"""The static files collect with the production storage (hashed names, every referenced file present)."""

from django.core.management import call_command


def test_collectstatic_with_the_manifest_storage_finds_every_referenced_file(settings, tmp_path):
    # given the production storage, which fails on any file a stylesheet or script refers to but lacks
    # (Chart.js names its source map, for one)
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # when collected, then it ends and the dashboard's chart library has its hashed copy
    call_command("collectstatic", interactive=False, verbosity=0)
    assert list((tmp_path / "vendor").glob("chart.umd.*.js"))
    assert (tmp_path / "staticfiles.json").exists()
