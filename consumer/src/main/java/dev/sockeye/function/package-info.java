/** A function as its author writes it: a directory with function.yaml, f.py and requirements.txt, validated. */
package dev.sockeye.function;
