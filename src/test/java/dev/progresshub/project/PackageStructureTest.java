package dev.progresshub.project;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The layout the code is read by: a package per capability around a plain-Java domain. A cycle between two
 * packages, or a framework type in the domain, fails here with the classes that introduced it.
 */
class PackageStructureTest {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.progresshub");

    @Test
    void noTwoPackagesDependOnEachOther() {
        // (**) makes every package its own slice: ingest and ingest.crawler are two.
        slices().matching("dev.progresshub.(**)").should().beFreeOfCycles().check(SERVICE);
    }

    @Test
    void theDomainIsPlainJava() {
        noClasses().that().resideInAPackage("dev.progresshub.domain..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.progresshub.domain..", "java..")
                .check(SERVICE);
    }
}
