"""The README's admin screenshots, taken again: `make screenshots`.

Loads the fixtures into a throwaway SQLite database, serves it with
runserver, makes one edit so the history has two versions, and drives
Debian's chromium through the pages an editor uses most.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "a-long-screenshot-password"


def manage(env, *args):
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def serve(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("runserver did not start")


def take(base: str):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")

        def shot(name: str):
            page.screenshot(path=OUT / f"{name}.png")

        def follow(selector: str):
            with page.expect_navigation():
                page.click(selector)

        shot("front-page")
        page.goto(f"{base}/admin/terms/term/")
        shot("term-list")
        page.goto(f"{base}/admin/terms/term/?q=AI+alignment")
        follow("#result_list a:text-is('AI alignment')")
        change = page.url
        shot("term-form")
        page.fill("#id_summary", "Techniques that steer an AI model to its goals.")
        follow("input[name=_save]")
        page.goto(change.replace("/change/", "/history/"))
        shot("history")
        follow("input[value='Compare selected versions']")
        shot("compare")
        page.goto(f"{base}/admin/terms/term/add/")
        page.fill("#id_name", "Goodhart's law")
        page.fill("#id_summary", "A measure made a target stops measuring.")
        page.fill("#id_definition", "A proxy optimised hard drifts from its goal.")
        page.select_option("#id_status", "published")
        follow("input[name=_save]")
        shot("publishing-error")
        browser.close()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/screenshots.sqlite3",
            "GLOSSARY_EDITOR_PASSWORD": PASSWORD,
        }
        manage(env, "migrate", "--no-input")
        manage(env, "loaddata", "glossary")
        manage(env, "create_editor", "editor", "--reviewer", "--no-input")
        port = 8765
        server = serve(env, port)
        try:
            take(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait()
    print(f"Screenshots written to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
