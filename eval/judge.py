"""The optional LLM judge: faithfulness and correctness scored by a chat model."""

from __future__ import annotations

import json
import re

from eval import metrics as M
from rag.config import Settings


class LLMJudge:
    """Faithfulness and correctness judged by an OpenAI-compatible chat model (prompts/judge_*.txt).

    Statements are split on 。！？；(RAGAS's English splitter does not split Chinese); the model
    returns JSON verdicts. A failed call or an unparsable reply gives ``None``, never a crash.
    """

    def __init__(self, settings: Settings):
        from openai import OpenAI

        self.model = settings.answer.llm_model
        self.client = OpenAI(base_url=settings.answer.llm_base_url, api_key=settings.answer.llm_api_key or "unused",
                             timeout=settings.answer.llm_timeout_s, max_retries=settings.answer.llm_max_retries)
        self.errors: list[str] = []

    def _ask(self, prompt: str) -> dict | None:
        try:
            resp = self.client.chat.completions.create(
                model=self.model, temperature=0, messages=[{"role": "user", "content": prompt}])
            content = resp.choices[0].message.content or ""
        except Exception as exc:  # noqa: BLE001 - the judge is optional
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return None
        match = re.search(r"\{.*\}", content, re.S)
        if not match:
            self.errors.append(f"评审回复不是 JSON：{content[:60]!r}")
            return None
        try:
            return json.loads(match.group(0))
        except json.JSONDecodeError:
            self.errors.append(f"评审回复不是 JSON：{content[:60]!r}")
            return None

    def faithfulness(self, answer: str, cited_texts: list[str]) -> float | None:
        from rag.prompts import render_prompt

        statements = M.split_statements(answer)
        if not statements or not cited_texts:
            return None
        context = "\n\n".join(f"[{i}] {t}" for i, t in enumerate(cited_texts, start=1))
        listing = "\n".join(f"{i}. {s}" for i, s in enumerate(statements, start=1))
        reply = self._ask(render_prompt("judge_faithfulness", context=context, statements=listing))
        if not reply or not isinstance(reply.get("verdicts"), list):
            return None
        votes = {}
        for v in reply["verdicts"]:
            try:
                votes[int(v["n"])] = 1.0 if float(v["supported"]) >= 0.5 else 0.0
            except (KeyError, TypeError, ValueError):
                continue
        # a statement the judge skipped counts as unsupported
        return sum(votes.get(i, 0.0) for i in range(1, len(statements) + 1)) / len(statements)

    def correctness(self, question: str, gold: str, answer: str) -> float | None:
        from rag.prompts import render_prompt

        reply = self._ask(render_prompt("judge_correctness", question=question, gold=gold,
                                        answer=M.strip_citation_marks(answer)))
        try:
            return max(0.0, min(1.0, float(reply["score"]))) if reply else None
        except (KeyError, TypeError, ValueError):
            return None
