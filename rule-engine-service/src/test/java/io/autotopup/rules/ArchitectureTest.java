package io.autotopup.rules;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.autotopup.platform.architecture.ServiceArchitecture;

@AnalyzeClasses(packages = "io.autotopup.rules", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domain_is_plain_java = ServiceArchitecture.DOMAIN_IS_PLAIN_JAVA;

    @ArchTest
    static final ArchRule use_cases_know_no_framework = ServiceArchitecture.USE_CASES_KNOW_NO_FRAMEWORK;

    @ArchTest
    static final ArchRule inside_knows_no_adapter = ServiceArchitecture.INSIDE_KNOWS_NO_ADAPTER;
}
