import { escapeText, link } from '../escape';
import { record, str, type Fields } from '../read';
import type { TypeRenderer } from '../renderer';
import { change, code, plainText } from '../snippets';

function target(info: Fields, side: 'old' | 'new'): string | undefined {
  const url = str(info[`${side}_custom_link_target`]);
  return url === undefined ? undefined : link(url, escapeText(url.replace(/^https?:\/\//, '')));
}

export const updateCustomLink: TypeRenderer = (payload, who) => {
  const info = record(payload.custom_link_information);
  const newPath = str(info.new_custom_link);
  const removed = newPath === undefined && str(info.new_custom_link_target) === undefined;
  const paths = change(code(str(info.old_custom_link)), code(newPath));
  return {
    summary: removed
      ? `Custom link for ${who} was removed.`
      : `Custom link for ${who} changed${paths ? `: ${paths}` : ''}.`,
    facts: [
      ['Target', change(target(info, 'old'), target(info, 'new'))],
      ['Collaboration', plainText(str(payload.collab_id))],
    ],
  };
};
