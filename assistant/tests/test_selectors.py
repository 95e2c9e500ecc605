from assistant.selectors import MAX_SEARCH_TERMS, search_terms


def test_search_terms_keep_the_distinctive_words_once():
    assert search_terms("Do you have an OAK table, like the oak table I saw? Under 100!") == "oak table saw 100"


def test_search_terms_are_bounded_however_long_the_message():
    message = " ".join(f"word{n}" for n in range(1000))

    assert len(search_terms(message).split()) == MAX_SEARCH_TERMS
