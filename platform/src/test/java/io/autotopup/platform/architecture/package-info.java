/** Architecture rules the services share; see {@link io.autotopup.platform.architecture.ServiceArchitecture}. */
package io.autotopup.platform.architecture;
