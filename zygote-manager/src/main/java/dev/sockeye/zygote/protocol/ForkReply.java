package dev.sockeye.zygote.protocol;

/** A zygote's answer to a {@link ForkRequest}: either the child's pid or the reason it refused. */
public sealed interface ForkReply permits ForkReply.Forked, ForkReply.Refused {
  /** The zygote forked; the child is (or was) listening on the requested instance socket. */
  record Forked(long pid) implements ForkReply {}

  /** The zygote could not fork (bad request, bind failure, fork failure) and is still serving. */
  record Refused(String error) implements ForkReply {}
}
