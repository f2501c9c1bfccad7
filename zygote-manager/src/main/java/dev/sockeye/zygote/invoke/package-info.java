/** What an instance is asked to run and what it answers: the zygote manager's API values (protocol encodes them). */
package dev.sockeye.zygote.invoke;
