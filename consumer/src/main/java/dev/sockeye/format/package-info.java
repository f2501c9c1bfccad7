/** Input formats: how a record's value is decoded (JSON, Avro, text or bytes) before the handler sees it. */
package dev.sockeye.format;
