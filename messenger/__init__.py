"""Messages to people: Slack (bot token or incoming webhook) with a console/file fallback, every delivery
recorded in the alerts table. Sending never raises: a Slack outage must not fail a pipeline.

    messenger.delivery.notify(alert)          send (once per dedup key) and record
    messenger.messages.monitoring_alert(...)   the alerts the platform sends, and their Block Kit
    messenger.callbacks.on_failure/on_success  Airflow callbacks (light to import: DAG files use them)

This file imports nothing, so importing messenger.callbacks at DAG parse time stays cheap.
"""
