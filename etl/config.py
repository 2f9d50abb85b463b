"""Where the pipeline reads and writes, and the settings users may override by environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULT_CONTACT = "state-ai-economic-index@users.noreply.github.com"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    mirror: Path | None
    user_agent: str
    hf_endpoint: str = DEFAULT_HF_ENDPOINT  # where `aiei releases` asks for the AEI file tree

    @property
    def raw_dir(self) -> Path:
        """URL-addressed download cache: raw/HOST/PATH."""
        return self.data_dir / "raw"

    @property
    def lock_file(self) -> Path:
        """Bytes and sha256 of every file seen, checked on every later fetch."""
        return self.data_dir / "sources.lock.json"

    @property
    def staging_dir(self) -> Path:
        return self.data_dir / "staging"

    @property
    def processed_dir(self) -> Path:
        """The current build: a symlink to builds/<build id>, replaced atomically."""
        return self.data_dir / "processed"

    @property
    def builds_dir(self) -> Path:
        """The last few builds, by id (processes still serving one keep reading it)."""
        return self.data_dir / "builds"


def settings() -> Settings:
    """Read the environment afresh (tests change it between calls).

    AIEI_DATA_DIR   output root (default: the checkout's data/)
    AIEI_MIRROR     a directory laid out as MIRROR/HOST/PATH, used before the network
    AIEI_CONTACT    e-mail put into the User-Agent (BLS refuses anonymous robots)
    AIEI_USER_AGENT full User-Agent override
    AIEI_HF_ENDPOINT the Hugging Face Hub (or a mirror of its API) `aiei releases` asks
    """
    data_dir = Path(os.environ.get("AIEI_DATA_DIR") or PROJECT_ROOT / "data").resolve()
    mirror_env = os.environ.get("AIEI_MIRROR")
    mirror = Path(mirror_env).expanduser().resolve() if mirror_env else None
    contact = os.environ.get("AIEI_CONTACT", DEFAULT_CONTACT)
    user_agent = os.environ.get("AIEI_USER_AGENT") or (
        f"state-ai-economic-index/0.1 (+https://github.com/state-ai-economic-index; {contact})"
    )
    hf_endpoint = os.environ.get("AIEI_HF_ENDPOINT") or DEFAULT_HF_ENDPOINT
    return Settings(
        data_dir=data_dir, mirror=mirror, user_agent=user_agent, hf_endpoint=hf_endpoint
    )
