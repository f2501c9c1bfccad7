def handler(event, context):
    """Greets the person named in the event's JSON value."""
    person = event["value"]
    return {
        "greeting": "hello, %s" % person["name"],
        "function": context.function_name,
        "source": "%s/%d@%d" % (event["topic"], event["partition"], event["offset"]),
    }
