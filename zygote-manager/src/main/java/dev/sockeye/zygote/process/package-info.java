/** Operating-system plumbing for Python processes: launching, output draining, Unix sockets and zygote control connections. */
package dev.sockeye.zygote.process;
