/**
 * The one Jackson configuration of streamner, for every JSON it reads and writes. Depends on
 * Jackson alone: a type with a spelling of its own says so with Jackson's annotations.
 */
package io.streamner.json;
