/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ps_milestone_acceptance", {
    test: true,
    steps: () => [
        {
            content: "Mark the milestone reached",
            trigger: ".o_form_view .o_field_widget[name=is_reached] input",
        },
        {
            content: "Save the milestone",
            trigger: ".o_form_button_save",
        },
        {
            content: "Reaching it asks the client for acceptance",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Awaiting Acceptance')",
            isCheck: true,
        },
        {
            content: "Attach the evidence in the chatter",
            trigger: ".o-mail-Chatter .o-mail-Chatter-attachFiles",
            run() {
                const input = document.querySelector(".o-mail-Chatter input.o-mail-Chatter-fileUploader");
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["Signed acceptance report"], "acceptance_report.txt", { type: "text/plain" })
                );
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The evidence is attached",
            trigger: ".o-mail-AttachmentCard:not(.o-isUploading):contains('acceptance_report')",
            isCheck: true,
        },
        {
            content: "Accept the milestone",
            trigger: ".o_statusbar_buttons button[name=action_ps_open_decision]:contains('Accept')",
        },
        {
            content: "Type the client's signatory",
            trigger: ".o_field_widget[name=signatory_name] input",
            run: "text Nora North",
        },
        {
            content: "Record the acceptance",
            trigger: ".modal-footer button:contains('Record Acceptance')",
        },
        {
            content: "The milestone is accepted",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Accepted')",
            isCheck: true,
        },
    ],
});
