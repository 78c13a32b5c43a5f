package io.autotopup.kyc;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.autotopup.platform.architecture.ServiceArchitecture;

@AnalyzeClasses(packages = "io.autotopup.kyc", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchTests service_architecture = ArchTests.in(ServiceArchitecture.class);
}
