/** Starting Python zygotes, forking warm handler instances from them and invoking handlers on those instances. */
package dev.sockeye.zygote;
