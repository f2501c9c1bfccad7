/** SOCK's import cache: a tree of zygotes grown from demand, and the choice of the best parent to fork from. */
package dev.sockeye.zygote.tree;
