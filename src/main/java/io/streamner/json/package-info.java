/**
 * The one Jackson configuration of streamner, for every JSON it reads and writes. Depends on
 * Jackson and on model for one type, {@link io.streamner.model.Precision}, whose spelling it fixes.
 */
package io.streamner.json;
