package dev.soldout.topology.saga;

/**
 * Runs {@link PaymentSagaProperties} in the Maven build: Surefire's default includes only match
 * *Test, Test*, *Tests and *TestCase class names, and jqwik inherits property methods.
 */
class PaymentSagaPropertiesTest extends PaymentSagaProperties {}
