/**
 * A programmable in-process Email Bison server for tests, the demo and users' own tests:
 * {@link io.github.bisonbackfill.bison.simulator.BisonSimulator} (JDK {@code HttpServer} on loopback),
 * simulated instances, users and workspaces, scripted faults ({@code Fault}, {@code Faults}), the
 * workspace-switch race, and the record of requests it received. See {@code docs/simulator.md}.
 */
@NullMarked
package io.github.bisonbackfill.bison.simulator;

import org.jspecify.annotations.NullMarked;
