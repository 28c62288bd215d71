import { ArnFormat, type CfnTag, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { AutomationDocument as AutomationDocumentContent } from '../ssm/automation.ts';
import { assertLintClean } from '../ssm/lint.ts';

/** Properties of an {@link AutomationDocument}. */
export interface AutomationDocumentProps {
  /** The document's name (`vigil-<project>-remediate-<kind>`, from lib/naming.ts); 3 to 128 of `[a-zA-Z0-9_.-]`. */
  readonly name: string;
  /** The document, as a typed object; CDK tokens (a role's ARN, a function's name) may appear in it. */
  readonly document: AutomationDocumentContent;
  /**
   * Tags on the document.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** SSM's rule for document names. */
const DOCUMENT_NAME = /^[a-zA-Z0-9_.-]{3,128}$/;

/**
 * An SSM Automation document (`AWS::SSM::Document`, type Automation, JSON content), checked by the
 * linter (lib/ssm/lint.ts) when it is constructed: a document with a problem fails `cdk synth`
 * with its name and every problem, never a 3 a.m. execution. Updates make a new version and set it
 * as the default (`updateMethod: NewVersion`), so a running execution keeps its version.
 * See docs/adr/0009-automation-documents.md.
 */
export class AutomationDocument extends Construct {
  /** The document's name, as `StartAutomationExecution` takes it. */
  readonly documentName: string;
  /** `arn:…:ssm:<region>:<account>:document/<name>`: the document itself. */
  readonly documentArn: string;
  /**
   * `arn:…:ssm:<region>:<account>:automation-definition/<name>:$DEFAULT`: what IAM authorizes
   * `ssm:StartAutomationExecution` on when no DocumentVersion is passed (the Service Authorization
   * Reference's `automation-definition` resource type, `<name>:<version id>`).
   */
  readonly automationDefinitionArn: string;
  /** The L1 resource. */
  readonly resource: ssm.CfnDocument;

  constructor(scope: Construct, id: string, props: AutomationDocumentProps) {
    super(scope, id);
    if (!DOCUMENT_NAME.test(props.name)) {
      throw new Error(
        `Automation document name ${JSON.stringify(props.name)}: SSM takes 3 to 128 letters, digits, "_", "." or "-"; shorten or rename it`,
      );
    }
    // Before anything is added to the tree: a broken document stops the synth here.
    assertLintClean(props.name, props.document);

    this.resource = new ssm.CfnDocument(this, 'Resource', {
      name: props.name,
      documentType: 'Automation',
      documentFormat: 'JSON',
      updateMethod: 'NewVersion',
      content: props.document,
      ...(props.tags && { tags: toCfnTags(props.tags) }),
    });
    this.documentName = props.name;
    const stack = Stack.of(this);
    this.documentArn = stack.formatArn({
      service: 'ssm',
      resource: 'document',
      resourceName: props.name,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.automationDefinitionArn = stack.formatArn({
      service: 'ssm',
      resource: 'automation-definition',
      resourceName: `${props.name}:$DEFAULT`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }
}

function toCfnTags(tags: Readonly<Record<string, string>>): CfnTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
