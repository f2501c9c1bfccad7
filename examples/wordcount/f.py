import collections


def f(event):
    """Counts the words of a document; raises on a document without text."""
    doc = event["value"]
    if "text" not in doc:
        raise ValueError("document %s has no text" % doc.get("id"))
    words = doc["text"].lower().split()
    return {"id": doc["id"], "words": len(words), "top": collections.Counter(words).most_common(3)}
