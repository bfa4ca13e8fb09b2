"""Amounts of money and card numbers, the ``{amount}`` and ``{card}`` pattern macros."""

from __future__ import annotations

import re

import pytest

from collectguard._kinds.text_match import MACROS
from collectguard._normalize import normalize

AMOUNT = re.compile(MACROS["amount"])
CARD = re.compile(MACROS["card"])


def found(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group() for m in pattern.finditer(normalize(text).text)]


@pytest.mark.parametrize(("text", "amount"), [
    ("欠款3,200", "3,200"),
    ("还剩3200.50", "3200.50"),
    ("３万", "3万"),
    ("三万二", "三万二"),
    ("两千五百元", "两千五百元"),
    ("壹万", "壹万"),
    ("3万2千", "3万2千"),
    ("¥3,200", "¥3,200"),
    ("￥3200", "￥3200".replace("￥", "¥")),
    ("3200元", "3200元"),
    ("3.5万", "3.5万"),
    ("$500", "$500"),
    ("一万五千块", "一万五千块"),
    ("两万多", "两万多"),
    ("十几万", "十几万"),
    ("几千块", "几千块"),
    ("人民币叁万圆整", "叁万圆整"),
    ("貳萬伍仟元", "贰万伍仟元"),
    ("參仟肆佰元", "参仟肆佰元"),
    ("三千零五十元", "三千零五十元"),
    ("2万块钱", "2万块钱"),
    ("5k", "5k"),
    ("USD 1,200", "usd 1,200"),
    ("12,345.67 yuan", "12,345.67 yuan"),
    ("RM 500", "rm 500"),
    ("PHP 1200", "php 1200"),
    ("₱3,500", "₱3,500"),
    ("HK$800", "$800"),
    ("500 pesos", "500 pesos"),
    ("畀返三萬蚊", "三万蚊"),
])
def test_amounts_in_digits_numerals_and_mixtures(text: str, amount: str) -> None:
    assert found(AMOUNT, text) == [amount]


@pytest.mark.parametrize("text", [
    "请他回电13800138000",      # a phone number
    "10.30号之前还款",           # a date
    "打了3次电话",               # a count
    "2026年5月",                 # a year
    "第十一条",                  # an article
    "version 1.2",
    "a farm 500 metres away",    # rm inside a word is no ringgit
])
def test_numbers_that_are_not_money(text: str) -> None:
    assert found(AMOUNT, text) == []


@pytest.mark.parametrize(("text", "card"), [
    ("尾号6688", "尾号6688"),
    ("尾號 6688", "尾号 6688"),
    ("尾号是：6688", "尾号是:6688"),
    ("卡号末尾6688", "末尾6688"),
    ("后4位1234", "后4位1234"),
    ("卡号 6222 **** 1234", "6222 **** 1234"),
    ("6222 **** **** 1234", "6222 **** **** 1234"),
    ("6222-0212-3456-7890", "6222-0212-3456-7890"),
    ("账号6222021234567890123", "6222021234567890123"),
    ("card ending in 1234", "ending in 1234"),
    ("Card ending 1234", "ending 1234"),
])
def test_card_numbers_and_their_tails(text: str, card: str) -> None:
    assert found(CARD, text) == [card]


@pytest.mark.parametrize("text", ["请他回电13800138000", "400 820 8888", "4008208888", "2026-05-01"])
def test_phone_numbers_and_dates_are_not_cards(text: str) -> None:
    assert found(CARD, text) == []


def test_a_found_amount_maps_back_to_what_was_written() -> None:
    text = "他還欠 ３萬２千 元"
    n = normalize(text)
    m = AMOUNT.search(n.text)
    assert m is not None
    s, e = n.original_span(*m.span())
    assert text[s:e] == "３萬２千 元"


def test_an_amount_starts_where_its_number_starts() -> None:
    # after punctuation, a comma or a currency sign; never from inside a list of numbers
    amount = re.compile(MACROS["amount"])
    assert amount.search("欠款,3200元").group() == "3200元"
    assert amount.search("合计1,200元").group() == "1,200元"
    assert [m.group() for m in amount.finditer("1,1,1,1,1,1")] == []
    assert [m.group() for m in amount.finditer("1,1,1,1,1,1万")] == ["1,1,1,1,1,1万"]
