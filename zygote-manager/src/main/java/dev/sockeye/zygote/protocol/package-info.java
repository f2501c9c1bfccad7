/** The wire protocol between the JVM and the Python runtime (frames and their JSON headers), as specified in zygote-manager/PROTOCOL.md. */
package dev.sockeye.zygote.protocol;
