"""Text in a past report that speaks to a language model instead of reporting on work: left out of drafts.

A reference report can carry planted instructions (忽略以上指令, a forged system prompt or quotation mark,
a request to change figures). The LLM path quotes such text as material and the number checks catch any
figure it changes; the offline drafter copies past paragraphs straight into the draft, so it leaves out
every sentence that reads as an instruction to a model, and says how many it left out.
"""

from __future__ import annotations

import re

from nianbao.claims.text import split_sentences

_INSTRUCTION = re.compile(
    "|".join(
        (
            r"忽略(?:以上|之前|前面|上面|上述|先前)?的?(?:所有|全部|一切)?的?(?:指令|指示|提示词?|要求|规则|设定)",
            r"(?:新的)?系统提示|系统指令|system\s*prompt|^\s*(?:SYSTEM|System|system)\s*[:：]",
            r"(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|above|prior|earlier)\s+"
            r"(?:instructions?|prompts?|rules)",
            r"你(?:现在)?(?:不再是|是一个|扮演|必须服从|必须执行)",
            r"(?:作为|你是)(?:一个)?(?:AI|人工智能|语言模型|大模型|助手)",
            r"请修改(?:数字|数据|数值)|把(?:所有|全部)?(?:数字|数据|数值)(?:乘以|除以|改为|改成|写成)",
            r"不要标注待核实|不要标记|不要核实",
            r"<<<|>>>",
        )
    ),
    re.IGNORECASE | re.MULTILINE,
)


def is_instruction(sentence: str) -> bool:
    """True when the sentence reads as an instruction to a model rather than a report's prose."""
    return _INSTRUCTION.search(sentence) is not None


def without_instructions(text: str) -> tuple[str, int]:
    """The text without its instruction sentences, and how many were left out (the rest is kept as written)."""
    kept, dropped = [], 0
    for sentence in split_sentences(text):
        if sentence.strip() and is_instruction(sentence):
            dropped += 1
        else:
            kept.append(sentence)
    return "".join(kept).strip() if dropped else text, dropped
