import { css } from '@emotion/css';
import React from 'react';

import { DataSourcePluginOptionsEditorProps, GrafanaTheme2 } from '@grafana/data';
import { InlineField, Input, TextArea, useStyles2 } from '@grafana/ui';

import { pathLines, withJson } from '../settings';
import { MailpathOptions, MailpathSecureOptions } from '../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';

type Props = DataSourcePluginOptionsEditorProps<MailpathOptions, MailpathSecureOptions>;

/** FilesSettings edits the syslog files read on the Grafana server and their time zone. */
export function FilesSettings({ options, onOptionsChange }: Props) {
  const styles = useStyles2(getStyles);
  const files = options.jsonData.logFiles ?? [];
  const setFiles = (text: string, keepBlank: boolean) =>
    onOptionsChange(withJson(options, { logFiles: pathLines(text, keepBlank) }));

  return (
    <>
      <InlineField
        label="Log files"
        labelWidth={LABEL_WIDTH}
        tooltip="One path a line, on the Grafana server. Only an admin can change this list."
      >
        <TextArea
          id="config-log-files"
          className={styles.files}
          rows={4}
          placeholder="/var/log/mail.log"
          value={files.join('\n')}
          onChange={(e) => setFiles(e.currentTarget.value, true)}
          onBlur={(e) => setFiles(e.currentTarget.value, false)}
        />
      </InlineField>
      <InlineField
        label="Time zone"
        labelWidth={LABEL_WIDTH}
        tooltip="IANA zone of timestamps logged without one (RFC 3164), e.g. Europe/Berlin"
      >
        <Input
          id="config-timezone"
          width={INPUT_WIDTH}
          placeholder="UTC"
          value={options.jsonData.timezone ?? ''}
          onChange={(e) => onOptionsChange(withJson(options, { timezone: e.currentTarget.value }))}
        />
      </InlineField>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  files: css({
    width: theme.spacing(60),
    fontFamily: theme.typography.fontFamilyMonospace,
  }),
});
