/** The long-running service: follows deployments and keeps one binding verticle per deployed function. */
package dev.sockeye.service;
